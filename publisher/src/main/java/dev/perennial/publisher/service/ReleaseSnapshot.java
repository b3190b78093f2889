package dev.perennial.publisher.service;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.release.RegistryRebuild;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.schemas.topic.Topics;
import java.time.Duration;

/**
 * The releases as the publisher sees them, read without the publisher: {@code releases.v1} to its
 * end and the release area's folders. Writes nothing (for {@code perennial releases list|show}).
 */
public final class ReleaseSnapshot {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private ReleaseSnapshot() {}

  public static ReleaseRegistry read(PublisherConfig config) {
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    ReleaseArea area = ReleaseArea.existing(config.releasePath());
    return RegistryRebuild.rebuild(
            area.scan(false),
            ReleaseLog.readLatest(config.clientProperties(), topics.releases(), TIMEOUT).latest())
        .registry();
  }
}
