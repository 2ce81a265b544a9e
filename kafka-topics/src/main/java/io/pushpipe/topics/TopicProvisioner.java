package io.pushpipe.topics;

import io.pushpipe.common.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Makes sure a topic is there before it is used, the way a least-privilege cluster allows: it describes the
 * topic first (an existing topic needs no CREATE permission), creates it only when it is missing and
 * provisioning is on, and never changes an existing topic: a partition count other than the configured one
 * is reported (an error log line and the {@code topics} health component), because adding partitions to a
 * live topic moves keys and breaks each receiver's order.
 */
public class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final KafkaAdmin admin;
    private final TopicsProperties settings;
    private final Map<String, TopicState> states = new ConcurrentHashMap<>();

    public TopicProvisioner(KafkaAdmin admin, TopicsProperties settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /** {@code message-sent}, as pushpipe creates it. */
    public NewTopic messageSent() {
        return TopicBuilder.name(Topics.MESSAGE_SENT)
                .partitions(settings.partitions())
                .build();
    }

    /** {@code message-sent-dlt}: as many partitions as the source, kept long enough to fix the cause and replay. */
    public NewTopic deadLetters() {
        return TopicBuilder.name(Topics.MESSAGE_SENT_DLT)
                .partitions(settings.partitions())
                .config(
                        TopicConfig.RETENTION_MS_CONFIG,
                        String.valueOf(settings.deadLetterRetention().toMillis()))
                .build();
    }

    /**
     * Describes the topic and creates it when it is missing and provisioning is on.
     *
     * @return true when the topic may be used: it exists, was created, or cannot be described for lack of
     *     permission (the producer or consumer will tell); false when Kafka did not answer, or the topic is
     *     missing and pushpipe may not create it: the caller asks again later
     */
    public boolean ensure(NewTopic topic) {
        Admin client = Admin.create(admin.getConfigurationProperties());
        try {
            return ensure(client, topic);
        } finally {
            client.close(Duration.ZERO);
        }
    }

    /** What was last learnt of each topic, for the health component. */
    public Map<String, TopicState> states() {
        return Map.copyOf(states);
    }

    private boolean ensure(Admin client, NewTopic topic) {
        try {
            Optional<Integer> partitions = partitionsOf(client, topic);
            if (partitions.isPresent()) {
                compare(topic, partitions.get());
                return true;
            }
            if (!settings.provision()) {
                record(topic, TopicState.missing(topic.numPartitions()));
                log.error(
                        "Topic {} does not exist and pushpipe.topics.provision is off: ask the platform team to create"
                                + " it with {} partitions",
                        topic.name(),
                        topic.numPartitions());
                return false;
            }
            if (create(client, topic)) {
                record(topic, TopicState.as(topic.numPartitions(), topic.numPartitions()));
                log.info("Created topic {} with {} partitions", topic.name(), topic.numPartitions());
            } else {
                partitionsOf(client, topic).ifPresent(count -> compare(topic, count));
            }
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                record(topic, TopicState.undescribable(topic.numPartitions()));
                log.warn(
                        "Topic {} cannot be described or created (no permission); assuming a platform team manages it",
                        topic.name());
                return true;
            }
            log.warn(
                    "Topic {} not checked yet, Kafka answered: {}",
                    topic.name(),
                    e.getCause().toString());
            return false;
        } catch (TimeoutException e) {
            log.warn("Topic {} not checked yet: Kafka did not answer within {}", topic.name(), settings.timeout());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The topic's partition count; empty when it does not exist. */
    private Optional<Integer> partitionsOf(Admin client, NewTopic topic)
            throws ExecutionException, TimeoutException, InterruptedException {
        try {
            TopicDescription description = client.describeTopics(List.of(topic.name()))
                    .allTopicNames()
                    .get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic.name());
            return Optional.of(description.partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Creates the topic; false when another instance created it first. */
    private boolean create(Admin client, NewTopic topic)
            throws ExecutionException, TimeoutException, InterruptedException {
        try {
            client.createTopics(List.of(topic)).all().get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private void compare(NewTopic topic, int partitions) {
        TopicState state = TopicState.as(topic.numPartitions(), partitions);
        TopicState before = states.put(topic.name(), state);
        if (state.mismatch() && !state.equals(before)) {
            log.error(
                    "🚨 Topic {} has {} partitions where pushpipe.topics.partitions says {}; pushpipe does not change"
                            + " it (that would move keys and break each receiver's order): align the setting or the"
                            + " topic",
                    topic.name(),
                    partitions,
                    topic.numPartitions());
        }
    }

    private void record(NewTopic topic, TopicState state) {
        states.put(topic.name(), state);
    }

    /**
     * What is known of one topic.
     *
     * @param expectedPartitions the configured partition count
     * @param partitions the topic's partition count; -1 when it is missing or cannot be described
     * @param status {@code ok}, {@code partition-mismatch}, {@code missing} or {@code undescribable}
     */
    public record TopicState(int expectedPartitions, int partitions, String status) {

        static TopicState as(int expected, int actual) {
            return new TopicState(expected, actual, expected == actual ? "ok" : "partition-mismatch");
        }

        static TopicState missing(int expected) {
            return new TopicState(expected, -1, "missing");
        }

        static TopicState undescribable(int expected) {
            return new TopicState(expected, -1, "undescribable");
        }

        public boolean mismatch() {
            return "partition-mismatch".equals(status) || "missing".equals(status);
        }
    }
}
