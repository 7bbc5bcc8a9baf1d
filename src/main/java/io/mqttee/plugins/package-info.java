/**
 * The plugin registry behind {@code /api/v1/plugins}: each {@link io.mqttee.plugins.Plugin} has RMQTT's
 * name, reads its settings from {@code <plugin>.toml} in the configured plugins folder
 * ({@code [plugins] dir}) and can be loaded, unloaded and reloaded at run time. Plain Java: no
 * {@code jakarta.*}, no Netty.
 */
package io.mqttee.plugins;
