package io.conclave.partition.metadata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A whole {@link ClusterImage} as bytes: the controller group's state-machine snapshot, which keeps
 * the metadata log short. The image is written as the records that rebuild it (nodes, topics,
 * partitions — a partition first as its genesis assignment, then as its current one when they
 * differ) plus the offset and the id high-water marks, so one codec ({@link MetadataCodec}) defines
 * every field's encoding.
 */
public final class ImageCodec {

    private static final int MAGIC = 0x434d4931; // "CMI1"

    private ImageCodec() {
    }

    public static byte[] encode(ClusterImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        image.nodes().values().forEach(n -> records.add(new MetadataRecord.RegisterNode(n.nodeId(), n.incarnation(),
                n.host(), n.raftPort(), n.clientPort(), n.rack())));
        for (TopicInfo t : image.topics().values()) {
            records.add(new MetadataRecord.CreateTopic(t.topicId(), t.name(), t.partitions(), t.replicationFactor(),
                    t.config()));
            for (PartitionInfo p : image.partitions(t.topicId())) {
                if (!p.genesis().equals(p.replicas())) {
                    records.add(new MetadataRecord.SetPartition(p.topicId(), p.partition(), p.groupId(), p.rangeStart(),
                            p.rangeEnd(), p.genesis(), p.state(), p.epoch()));
                }
                records.add(new MetadataRecord.SetPartition(p.topicId(), p.partition(), p.groupId(), p.rangeStart(),
                        p.rangeEnd(), p.replicas(), p.state(), p.epoch()));
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + records.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeLong(image.offset());
            out.writeLong(image.topicIdHighWater());
            out.writeLong(image.groupIdHighWater());
            out.writeInt(records.size());
            for (MetadataRecord r : records) {
                byte[] b = MetadataCodec.encode(r);
                out.writeInt(b.length);
                out.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes an image; throws {@link IllegalArgumentException} on malformed input. */
    public static ClusterImage decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a cluster image");
            }
            long offset = in.readLong();
            long topicHigh = in.readLong();
            long groupHigh = in.readLong();
            int n = in.readInt();
            if (n < 0) {
                throw new IllegalArgumentException("bad record count " + n);
            }
            ImageBuilder b = new ImageBuilder(ClusterImage.EMPTY);
            for (int i = 0; i < n; i++) {
                int len = in.readInt();
                if (len < 0 || len > in.available()) {
                    throw new IllegalArgumentException("bad record length " + len);
                }
                byte[] r = new byte[len];
                in.readFully(r);
                b.replay(i + 1, MetadataCodec.decode(r));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after cluster image");
            }
            ClusterImage built = b.build();
            return new ClusterImage(offset, built.nodes(), built.topics(), new TreeMap<>(built.partitionsByTopic()),
                    Math.max(topicHigh, built.topicIdHighWater()), Math.max(groupHigh, built.groupIdHighWater()));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed cluster image: " + e.getMessage(), e);
        }
    }
}
