/**
 * CDI wiring of the broker's life: loads the configuration, builds the core and the MQTT listener
 * when the application starts, stops them when it is undeployed, and hands the running broker to
 * the management API.
 */
package io.mqttee.lifecycle;
