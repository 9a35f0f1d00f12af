package io.conclave.raft.property;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Lets {@code -Draft.prop.tries=N} override a property's tries, for soak runs; CI does not set it.
 * ({@code mvn test -Draft.prop.tries=100000} passes it on to the test JVM.)
 */
public final class TriesFromSystemProperty implements AroundPropertyHook {

    static final String PROPERTY = "raft.prop.tries";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String tries = System.getProperty(PROPERTY);
        if (tries != null && !tries.isBlank()) {
            int n = Integer.parseInt(tries.trim());
            if (n <= 0) {
                throw new IllegalArgumentException(PROPERTY + " must be > 0, was " + n);
            }
            context.attributes().setTries(n);
        }
        return property.execute();
    }
}
