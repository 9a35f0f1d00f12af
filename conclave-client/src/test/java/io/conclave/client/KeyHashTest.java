package io.conclave.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The client's key hash must equal the server's, or keyed records land in the wrong partition. */
class KeyHashTest {

    private static long server(byte[] key) {
        return io.conclave.partition.metadata.KeyHash.of(key);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fixedKeysHashToThePinnedValuesTheServerComputes() {
        String[] keys = {"", "a", "key-0", "order-42", "\u00e9t\u00e9", "the quick brown fox"};
        long[] pinned = {0xefd01f60ba992926L, 0x82a2a958a9bece5bL, 0x18137ad031db6589L, 0x8e47543c313c6386L,
                0x4e86b7c4c0feda3bL, 0x1cd65fcf86e59d9dL};
        for (int i = 0; i < keys.length; i++) {
            assertThat(server(utf8(keys[i]))).as("server hash of '%s'", keys[i]).isEqualTo(pinned[i]);
            assertThat(KeyHash.of(utf8(keys[i]))).as("client hash of '%s'", keys[i]).isEqualTo(pinned[i]);
        }
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        assertThat(KeyHash.of(allBytes)).isEqualTo(0x2067db6dbd4efa06L).isEqualTo(server(allBytes));
    }

    @Test
    void randomKeysHashTheSameOnClientAndServer() {
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            byte[] key = new byte[random.nextInt(64)];
            random.nextBytes(key);
            assertThat(KeyHash.of(key)).isEqualTo(server(key));
        }
    }

    @Test
    void aHashThatSkipsTheUnsignedByteMaskIsCaught() {
        // The planted bug: sign-extending bytes >= 0x80 changes the hash of any key holding one.
        byte[] key = {(byte) 0x80, 1, 2};
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        assertThat(h).isNotEqualTo(server(key));
        assertThat(KeyHash.of(key)).isEqualTo(server(key));
    }
}
