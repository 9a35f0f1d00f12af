package io.conclave.transport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * A protobuf marshaller that parses each frame with aliasing on, out of a buffer its thread reuses:
 * the frame's {@code bytes} fields are views of that buffer instead of copies. A frame of a thousand
 * entries is then copied once out of the network buffers (as gRPC's own marshaller does, into a
 * reused buffer too) and once into the entries ({@code MessageCodec.decodeEntry}), not twice more:
 * on a follower the per-entry copies of the parse and of the decode made four fifths of what it
 * allocated under load (async-profiler, data bench), and each young collection pauses the node.
 *
 * <p><b>The parsed message is only valid until the next parse on the same thread.</b> gRPC parses a
 * frame and hands it to the stream's observer in one go on one thread, and {@code InboundService}
 * decodes it completely (every byte field copied) before it returns, keeping nothing of it. Frames
 * over {@link #REUSED_BYTES_MAX} get an array of their own. Writing is protobuf's own.
 */
final class AliasingMarshaller<T extends Message> implements MethodDescriptor.Marshaller<T> {

    /** Frames up to this size are read into the thread's reused buffer. */
    static final int REUSED_BYTES_MAX = 4 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[64 << 10]);

    private final MethodDescriptor.Marshaller<T> plain;
    private final Parser<T> parser;

    @SuppressWarnings("unchecked")
    AliasingMarshaller(T defaultInstance) {
        this.plain = ProtoUtils.marshaller(defaultInstance);
        this.parser = (Parser<T>) defaultInstance.getParserForType();
    }

    @Override
    public InputStream stream(T value) {
        return plain.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
        try {
            CodedInputStream in = input(stream);
            in.enableAliasing(true);
            T message = parser.parseFrom(in);
            in.checkLastTagWas(0);
            return message;
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("invalid protobuf frame: " + e.getMessage()).withCause(e)
                    .asRuntimeException();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read a frame: " + e.getMessage()).withCause(e)
                    .asRuntimeException();
        }
    }

    private static CodedInputStream input(InputStream stream) throws IOException {
        if (!(stream instanceof KnownLength) || stream.available() > REUSED_BYTES_MAX) {
            return immutable(readAll(stream), -1);
        }
        int size = stream.available();
        byte[] buffer = BUFFERS.get();
        if (buffer.length < size) {
            buffer = new byte[Math.max(size, Math.min(REUSED_BYTES_MAX, buffer.length * 2))];
            BUFFERS.set(buffer);
        }
        readFully(stream, buffer, size);
        return immutable(buffer, size);
    }

    /**
     * An input over {@code bytes} (its first {@code size}, or all when -1) that protobuf may alias: only
     * an input made from a wrapped {@link ByteString} counts as immutable, and aliasing asks for both.
     */
    private static CodedInputStream immutable(byte[] bytes, int size) {
        return UnsafeByteOperations.unsafeWrap(bytes, 0, size < 0 ? bytes.length : size).newCodedInput();
    }

    /** The whole stream in one array: sized up front when gRPC knows the length. */
    static byte[] readAll(InputStream stream) throws IOException {
        if (!(stream instanceof KnownLength)) {
            return stream.readAllBytes();
        }
        byte[] bytes = new byte[stream.available()];
        readFully(stream, bytes, bytes.length);
        return bytes;
    }

    private static void readFully(InputStream stream, byte[] into, int size) throws IOException {
        int read = 0;
        while (read < size) {
            int n = stream.read(into, read, size - read);
            if (n < 0) {
                throw new IOException("frame ended after " + read + " of " + size + " bytes");
            }
            read += n;
        }
    }
}
