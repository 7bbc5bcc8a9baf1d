package io.mqttee.management;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names and describes a resource method for the endpoint list ({@code GET /api/v1}). Every JAX-RS
 * resource method carries one; {@link EndpointCatalog} refuses a resource method without it, so the
 * list cannot drift from the code.
 *
 * <p>Methods that share a {@link #name()} form one entry, as in RMQTT's list, where
 * {@code GET /brokers} and {@code GET /brokers/{node}} are the single endpoint
 * {@code get_brokers} with path {@code /brokers/{node}} (the node being optional).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Endpoint {

    /** RMQTT's endpoint name, e.g. {@code get_brokers}. */
    String name();

    /** RMQTT's one-line description. */
    String descr();

    /** False for the endpoint list itself, which RMQTT's list does not include. */
    boolean listed() default true;
}
