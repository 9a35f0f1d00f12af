package io.conclave.sim.workload;

import io.conclave.sim.node.ClientRequest;
import io.conclave.sim.node.ClientResponse;
import java.util.List;
import java.util.function.Consumer;

/** How clients reach the cluster: which nodes serve a group, and a request/response path to a node. */
public interface ClientGateway {

    /** The nodes currently hosting a replica of {@code group}, in id order. */
    List<Integer> nodesOf(int group);

    /** Sends {@code request} to {@code node}; {@code onResponse} runs if and when an answer arrives. */
    void send(int node, ClientRequest request, Consumer<ClientResponse> onResponse);
}
