package io.conclave.ops.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.ops.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterIdFileTest {

    @TempDir
    Path dir;

    @Test
    void aFreshDirectoryHasNoIdAndNothingConfiguredKeepsItThatWay() throws Exception {
        ClusterIdFile f = new ClusterIdFile(dir.resolve("data"));
        assertThat(f.read()).isEmpty();
        assertThat(f.reconcile(Optional.empty())).isEmpty();
        assertThat(Files.exists(dir.resolve("data").resolve("cluster.id"))).isFalse();
    }

    @Test
    void aConfiguredIdIsRecordedAndThenSurvivesWithoutConfiguration() throws Exception {
        ClusterIdFile f = new ClusterIdFile(dir.resolve("data"));
        assertThat(f.reconcile(Optional.of("prod-eu"))).contains("prod-eu");
        assertThat(Files.readString(dir.resolve("data").resolve("cluster.id"))).isEqualTo("prod-eu\n");
        assertThat(Files.exists(dir.resolve("data").resolve("cluster.id.tmp"))).isFalse();
        assertThat(new ClusterIdFile(dir.resolve("data")).reconcile(Optional.empty())).contains("prod-eu");
        assertThat(f.reconcile(Optional.of("prod-eu"))).contains("prod-eu");
    }

    @Test
    void aDirectoryOfAnotherClusterIsRefusedNamingBothIds() throws Exception {
        ClusterIdFile f = new ClusterIdFile(dir);
        f.write("alpha");
        assertThatThrownBy(() -> f.reconcile(Optional.of("beta"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.id is 'beta'").hasMessageContaining("cluster 'alpha'");
        assertThat(f.read()).contains("alpha");
    }

    @Test
    void aDamagedFileOrABadIdIsAnError() throws Exception {
        Files.writeString(dir.resolve("cluster.id"), "not an id!\n");
        assertThatThrownBy(() -> new ClusterIdFile(dir).read()).isInstanceOf(IOException.class)
                .hasMessageContaining("does not hold a cluster id");
        assertThatThrownBy(() -> new ClusterIdFile(dir).write("a b")).isInstanceOf(IllegalArgumentException.class);
    }
}
