package io.mqttee.testing;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Paho callback that queues every message received and notes a lost connection. */
public final class PahoInbox implements MqttCallback {

    /** One message as a Paho subscriber saw it. */
    public record Received(String topic, String payload, int qos, boolean retained, boolean dup) {
    }

    private final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    public final CountDownLatch connectionLost = new CountDownLatch(1);

    @Override
    public void connectionLost(Throwable cause) {
        connectionLost.countDown();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        messages.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(),
                message.isRetained(), message.isDuplicate()));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }

    /** The next message, waiting up to 10 s. */
    public Received next() throws InterruptedException {
        Received r = messages.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no message within 10 s");
        }
        return r;
    }

    public boolean awaitConnectionLost() throws InterruptedException {
        return connectionLost.await(10, TimeUnit.SECONDS);
    }

    public int pending() {
        return messages.size();
    }
}
