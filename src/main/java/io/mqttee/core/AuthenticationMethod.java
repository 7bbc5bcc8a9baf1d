package io.mqttee.core;

/**
 * An MQTT 5 enhanced authentication method (section 4.12): the CONNECT names it in its
 * Authentication Method property, and client and server exchange Authentication Data in AUTH
 * packets until the method decides. Implemented by authentication plugins and registered with
 * {@link AuthenticationMethods}; the broker itself ships none.
 */
public interface AuthenticationMethod {

    /** The Authentication Method name, e.g. {@code SCRAM-SHA-256}. */
    String name();

    /**
     * Starts an exchange for a CONNECT or a re-authentication of {@code clientId}.
     *
     * @param username the CONNECT's user name, or null
     */
    Exchange start(String clientId, String username);

    /** One authentication conversation; not shared between connections. */
    interface Exchange {
        /**
         * Takes the client's Authentication Data (empty when it sent none) and decides the next step.
         */
        Step step(byte[] clientData);
    }

    /**
     * What the method decided.
     *
     * @param outcome    continue the exchange, or end it with success or failure
     * @param serverData Authentication Data for the client (empty for none)
     */
    record Step(Outcome outcome, byte[] serverData) {

        public Step {
            serverData = serverData == null ? new byte[0] : serverData;
        }

        public static Step proceed(byte[] challenge) {
            return new Step(Outcome.CONTINUE, challenge);
        }

        public static Step success(byte[] data) {
            return new Step(Outcome.SUCCESS, data);
        }

        public static Step failure() {
            return new Step(Outcome.FAILURE, null);
        }
    }

    enum Outcome { CONTINUE, SUCCESS, FAILURE }
}
