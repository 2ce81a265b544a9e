package io.pushpipe.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Provisioning on a cluster with ACLs, as on MSK or Confluent with least privilege: a broker of its own with
 * SASL/PLAIN and KRaft's {@code StandardAuthorizer}. pushpipe's principal may describe and write its topics but
 * not create them.
 */
class TopicProvisionerAclTests {

    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required";

    private static KafkaClusterTestKit cluster;
    private static Admin operator;

    @BeforeAll
    static void startASecuredBroker() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .setConfigProp("super.users", "User:operator;User:ANONYMOUS")
                .setConfigProp("sasl.enabled.mechanisms", "PLAIN")
                .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .setConfigProp(
                        "listener.name.external.plain.sasl.jaas.config",
                        PLAIN + " username=\"operator\" password=\"operator\" user_operator=\"operator\""
                                + " user_pushpipe=\"pushpipe\";")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        operator = Admin.create(clientOf("operator"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) {
            operator.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anExistingTopicIsUsedWithoutThePermissionToCreateTopics() throws Exception {
        NewTopic topic = topic();
        operator.createTopics(List.of(topic)).all().get();
        allow(topic.name(), AclOperation.DESCRIBE, AclOperation.WRITE);
        TopicProvisioner topics = provisioner();

        assertThat(topics.ensure(topic)).isTrue();

        assertThat(topics.states().get(topic.name())).isEqualTo(TopicProvisioner.TopicState.as(12, 12));
    }

    @Test
    void aTopicThePrincipalMayNotDescribeIsReportedAndLeftToThePlatformTeam() {
        NewTopic topic = topic();
        TopicProvisioner topics = provisioner();

        assertThat(topics.ensure(topic)).isTrue();

        assertThat(topics.states().get(topic.name()).status()).isEqualTo("undescribable");
    }

    private static void allow(String topic, AclOperation... operations) throws Exception {
        List<AclBinding> acls = Arrays.stream(operations)
                .map(operation -> new AclBinding(
                        new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                        new AccessControlEntry("User:pushpipe", "*", operation, AclPermissionType.ALLOW)))
                .toList();
        operator.createAcls(acls).all().get();
        try (Admin pushpipe = Admin.create(clientOf("pushpipe"))) {
            // The broker applies new ACLs from the metadata log a moment later.
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> pushpipe.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .containsKey(topic));
        }
    }

    private static TopicProvisioner provisioner() {
        return new TopicProvisioner(
                new KafkaAdmin(new HashMap<>(clientOf("pushpipe"))),
                new TopicsProperties(12, true, Duration.ofDays(14), Duration.ofSeconds(10)));
    }

    private static Map<String, Object> clientOf(String user) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG,
                "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM,
                "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG,
                PLAIN + " username=\"" + user + "\" password=\"" + user + "\";");
    }

    private static NewTopic topic() {
        return TopicBuilder.name("acl-" + UUID.randomUUID()).partitions(12).build();
    }
}
