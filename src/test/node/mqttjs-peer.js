// MQTT.js peer for InteropMatrixIT. Reads one JSON command per line on stdin and writes one
// tab-separated line per command on stdout ("ok <seq>" or "error <seq> <message>"), and one per
// message a client receives: "msg <client> <qos> <retain 0|1> <topic> <payload>".
//   {"seq":1,"op":"connect","client":"a","url":"mqtt://127.0.0.1:1234","version":5,"clean":true,
//    "will":{"topic":"w/x","payload":"bye","qos":1,"retain":false}}
//   {"seq":2,"op":"subscribe","client":"a","filter":"m/#","qos":2}
//   {"seq":3,"op":"publish","client":"a","topic":"m/x","payload":"p","qos":1,"retain":false}
//   {"seq":4,"op":"crash","client":"a"}        (drops the TCP connection, no DISCONNECT: the will goes out)
//   {"seq":5,"op":"end","client":"a"}          (DISCONNECT)
'use strict';
const mqtt = require('mqtt');
const readline = require('readline');

const clients = new Map();
const out = (...fields) => process.stdout.write(fields.map((f) => String(f).replace(/[\t\n]/g, ' ')).join('\t') + '\n');

function run(cmd) {
  const c = clients.get(cmd.client);
  switch (cmd.op) {
    case 'connect':
      return new Promise((resolve, reject) => {
        const opts = { clientId: cmd.client, protocolVersion: cmd.version, clean: cmd.clean !== false,
                       reconnectPeriod: 0, connectTimeout: 20000, keepalive: 60 };
        if (cmd.will) {
          opts.will = { topic: cmd.will.topic, payload: Buffer.from(cmd.will.payload), qos: cmd.will.qos,
                        retain: !!cmd.will.retain };
        }
        const client = mqtt.connect(cmd.url, opts);
        client.on('message', (topic, payload, packet) =>
          out('msg', cmd.client, packet.qos, packet.retain ? 1 : 0, topic, payload.toString()));
        client.once('connect', () => { clients.set(cmd.client, client); resolve(); });
        client.once('error', reject);
      });
    case 'subscribe':
      return c.subscribeAsync(cmd.filter, { qos: cmd.qos }).then((granted) => {
        if (granted[0].qos !== cmd.qos) throw new Error('granted ' + JSON.stringify(granted));
      });
    case 'publish':
      return c.publishAsync(cmd.topic, cmd.payload, { qos: cmd.qos, retain: !!cmd.retain });
    case 'crash':
      c.stream.destroy();
      clients.delete(cmd.client);
      return Promise.resolve();
    case 'end':
      clients.delete(cmd.client);
      return c.endAsync();
    default:
      return Promise.reject(new Error('unknown op ' + cmd.op));
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    out('error', -1, 'bad JSON: ' + line);
    return;
  }
  Promise.resolve().then(() => run(cmd)).then(() => out('ok', cmd.seq),
      (e) => out('error', cmd.seq, (e && e.message) || e));
}).on('close', () => {
  for (const c of clients.values()) c.end(true);
  process.exit(0);
});
