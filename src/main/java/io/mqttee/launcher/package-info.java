/**
 * The embedded default: a {@code main} that runs the Tomcat-ready WAR on embedded Apache Tomcat
 * ({@code java -jar target/mqttee-launcher.jar}). Packaged in its own jar, never inside a WAR, and
 * it uses only Tomcat's embed API and the JDK.
 */
package io.mqttee.launcher;
