package io.conclave.ops.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.nio.file.Path;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingRouteTest {

    @Test
    void systemLoggerCallsOfTheTransportReachLogback() {
        Logger target = (Logger) LoggerFactory.getLogger("io.conclave.transport.grpc.GrpcTransport");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        target.addAppender(captured);
        try {
            System.getLogger("io.conclave.transport.grpc.GrpcTransport")
                    .log(System.Logger.Level.WARNING, "peer {0} unreachable", 7);
        } finally {
            target.detachAppender(captured);
        }
        assertThat(captured.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).isEqualTo("peer 7 unreachable");
        });
    }

    @Test
    void theRootLevelFollowsLogLevel() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            assertThat(LogLevels.setRoot("debug")).isTrue();
            assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(LogLevels.setRoot("WARN")).isTrue();
            assertThat(root.getLevel()).isEqualTo(Level.WARN);
        } finally {
            root.setLevel(before);
        }
        assertThatThrownBy(() -> LogLevels.setRoot("loud")).hasMessageContaining("not a log level: 'loud'");
    }

    @Test
    void theShippedConfigurationLogsInfoAndQuietsTheLibraries() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        joran.doConfigure(Path.of("src", "main", "resources", "logback.xml").toFile());
        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() >= Status.WARN);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.conclave.events").getEffectiveLevel()).isEqualTo(Level.INFO);
        context.stop();
    }
}
