package io.conclave.client;

/**
 * The 64-bit key hash the nodes use to place a keyed record in a partition's hash range: FNV-1a over
 * the key bytes followed by a 64-bit avalanche finalizer. It must stay bit-for-bit identical to the
 * server's {@code io.conclave.partition.metadata.KeyHash#of}; {@code KeyHashTest} pins it.
 */
public final class KeyHash {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private KeyHash() {
    }

    public static long of(byte[] key) {
        long h = FNV_OFFSET;
        for (byte b : key) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
