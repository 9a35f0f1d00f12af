package io.conclave.transport.grpc;

import io.conclave.transport.Lane;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The transport's own network threads, apart from gRPC's shared ones (which the node's client API
 * server uses, and whose threads run produce requests): one accepting thread, {@code inboundThreads}
 * reading the peers' connections, one writing the outgoing priority lanes and one writing the other
 * outgoing lanes. So a burst of client requests or of bulk frames never holds a vote, a heartbeat
 * or a liveness ping behind it on this node's side of the priority connections (seen before: pings
 * sent on time stamped up to 2 s late at the receiver, and suspected peers that were not stalled).
 * Native epoll where available, NIO otherwise. Created and closed by {@link GrpcTransport}.
 */
final class NetworkThreads {

    private final boolean epoll = Epoll.isAvailable();
    private final EventLoopGroup accept;
    private final EventLoopGroup inbound;
    private final EventLoopGroup priority;
    private final EventLoopGroup outbound;

    NetworkThreads(long node, int inboundThreads) {
        accept = group(1, "conclave-net-accept-" + node);
        inbound = group(inboundThreads, "conclave-net-in-" + node);
        priority = group(1, "conclave-net-priority-" + node);
        outbound = group(1, "conclave-net-out-" + node);
    }

    private EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    EventLoopGroup accept() {
        return accept;
    }

    EventLoopGroup inbound() {
        return inbound;
    }

    /** The threads that write {@code lane}'s connections to peers. */
    EventLoopGroup outbound(Lane lane) {
        return lane == Lane.PRIORITY ? priority : outbound;
    }

    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends Channel> channelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Stops every thread; waits up to {@code waitMs} in all. Call after the server and channels ended. */
    void close(long waitMs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        List<EventLoopGroup> all = List.of(accept, inbound, priority, outbound);
        for (EventLoopGroup g : all) {
            g.shutdownGracefully(0, waitMs, TimeUnit.MILLISECONDS);
        }
        for (EventLoopGroup g : all) {
            g.awaitTermination(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }
}
