/**
 * The management HTTP API under {@code /api/v1}, wire-compatible with RMQTT's: thin JAX-RS
 * resources that read the running broker and map its views to JSON-B DTO records through small
 * assemblers and formatters, which are tested without a container.
 */
package io.mqttee.management;
