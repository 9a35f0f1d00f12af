package io.conclave.partition.metadata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Binary encoding of metadata records as controller log entries: a version byte, a tag, the fields. */
public final class MetadataCodec {

    private static final byte VERSION = 1;

    private MetadataCodec() {
    }

    public static byte[] encode(MetadataRecord r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (r instanceof MetadataRecord.RegisterNode n) {
                out.writeByte(1);
                out.writeLong(n.nodeId());
                out.writeLong(n.incarnation());
                out.writeUTF(n.host());
                out.writeInt(n.raftPort());
                out.writeInt(n.clientPort());
                out.writeUTF(n.rack());
            } else if (r instanceof MetadataRecord.UnregisterNode n) {
                out.writeByte(2);
                out.writeLong(n.nodeId());
            } else if (r instanceof MetadataRecord.CreateTopic t) {
                out.writeByte(3);
                out.writeLong(t.topicId());
                out.writeUTF(t.name());
                out.writeInt(t.partitions());
                out.writeInt(t.replicationFactor());
                writeMap(out, t.config());
            } else if (r instanceof MetadataRecord.DeleteTopic t) {
                out.writeByte(4);
                out.writeLong(t.topicId());
            } else if (r instanceof MetadataRecord.SetPartition p) {
                out.writeByte(5);
                out.writeLong(p.topicId());
                out.writeInt(p.partition());
                out.writeLong(p.groupId());
                out.writeLong(p.rangeStart());
                out.writeLong(p.rangeEnd());
                out.writeInt(p.replicas().size());
                for (Long n : p.replicas()) {
                    out.writeLong(n);
                }
                out.writeByte(p.state().ordinal());
                out.writeLong(p.epoch());
            } else if (r instanceof MetadataRecord.AlterTopic t) {
                out.writeByte(6);
                out.writeLong(t.topicId());
                out.writeInt(t.replicationFactor());
            } else if (r instanceof MetadataRecord.AlterTopicConfig t) {
                out.writeByte(7);
                out.writeLong(t.topicId());
                writeMap(out, t.config());
                writeMap(out, t.expected());
            } else {
                throw new IllegalArgumentException("unknown record " + r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a record; throws {@link IllegalArgumentException} on malformed input. */
    public static MetadataRecord decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalArgumentException("unknown metadata record version " + v);
            }
            byte tag = in.readByte();
            MetadataRecord r;
            switch (tag) {
                case 1:
                    r = new MetadataRecord.RegisterNode(in.readLong(), in.readLong(), in.readUTF(), in.readInt(),
                            in.readInt(), in.readUTF());
                    break;
                case 2:
                    r = new MetadataRecord.UnregisterNode(in.readLong());
                    break;
                case 3: {
                    long id = in.readLong();
                    String name = in.readUTF();
                    int parts = in.readInt();
                    int rf = in.readInt();
                    r = new MetadataRecord.CreateTopic(id, name, parts, rf, readMap(in));
                    break;
                }
                case 4:
                    r = new MetadataRecord.DeleteTopic(in.readLong());
                    break;
                case 5: {
                    long topic = in.readLong();
                    int partition = in.readInt();
                    long group = in.readLong();
                    long start = in.readLong();
                    long end = in.readLong();
                    int n = in.readInt();
                    if (n < 0 || n > 1024) {
                        throw new IllegalArgumentException("bad replica count " + n);
                    }
                    List<Long> replicas = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        replicas.add(in.readLong());
                    }
                    int state = in.readByte();
                    if (state < 0 || state >= PartitionState.values().length) {
                        throw new IllegalArgumentException("bad partition state " + state);
                    }
                    r = new MetadataRecord.SetPartition(topic, partition, group, start, end, replicas,
                            PartitionState.values()[state], in.readLong());
                    break;
                }
                case 6:
                    r = new MetadataRecord.AlterTopic(in.readLong(), in.readInt());
                    break;
                case 7:
                    r = new MetadataRecord.AlterTopicConfig(in.readLong(), readMap(in), readMap(in));
                    break;
                default:
                    throw new IllegalArgumentException("unknown metadata record tag " + tag);
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after metadata record");
            }
            return r;
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed metadata record: " + e.getMessage(), e);
        }
    }

    /** A string map, in key order: its size, then each key and value. */
    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        TreeMap<String, String> sorted = new TreeMap<>(map);
        out.writeInt(sorted.size());
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1024) {
            throw new IllegalArgumentException("bad config size " + n);
        }
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            out.put(in.readUTF(), in.readUTF());
        }
        return out;
    }
}
