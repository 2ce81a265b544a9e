package io.pushpipe.bench;

import io.pushpipe.common.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import kafka.server.BrokerServer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A Kafka broker (KRaft, one node) in a process of its own, as the chaos run needs it: {@code java -jar
 * bench.jar kafka-broker <port>} prints {@code READY <bootstrap servers>}, then obeys {@code stop} (the broker
 * shuts down, its data and the controller stay) and {@code start} on its standard input; end of input stops
 * it for good.
 */
final class KafkaBroker {

    private KafkaBroker() {}

    static void run(String port) throws IOException {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(
                        1, 12, Topics.MESSAGE_SENT, Topics.MESSAGE_SENT_DLT)
                .kafkaPorts(Integer.parseInt(port));
        kafka.brokerProperties(Map.of(
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "min.insync.replicas", "1"));
        kafka.afterPropertiesSet();
        System.out.println("READY " + kafka.getBrokersAsString());
        BrokerServer broker = kafka.getCluster().brokers().get(0);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            switch (command.strip()) {
                case "stop" -> {
                    broker.shutdown();
                    broker.awaitShutdown();
                    System.out.println("STOPPED");
                }
                case "start" -> {
                    broker.startup();
                    System.out.println("STARTED");
                }
                default -> System.out.println("UNKNOWN " + command);
            }
        }
        kafka.destroy();
        System.exit(0);
    }
}
