package dev.clipper.host;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the configuration: overrides, then system properties, then the profile file (cluster.conf when
 * CLIPPER_PROFILE=cluster), then application.conf, then every module's reference.conf, resolved once at the
 * end so that paths derived from {@code clipper.home} follow an override of it. Environment variables fill
 * the {@code ${?VAR}} slots.
 */
public final class HostConfig {
  private HostConfig() {}

  public static Config load(Map<String, ?> overrides) {
    ClassLoader cl = HostConfig.class.getClassLoader();
    Config application = ConfigFactory.parseResources(cl, "application.conf");
    Config reference = ConfigFactory.parseResources(cl, "reference.conf");
    Config overridesConf = ConfigFactory.parseMap(overrides);
    Config sys = ConfigFactory.systemProperties();
    String profile = overridesConf.withFallback(sys).withFallback(application).withFallback(reference)
        .resolve().getString("clipper.profile");
    Config profileConf = profile.equals("embedded") ? ConfigFactory.empty()
        : ConfigFactory.parseResources(cl, profile + ".conf");
    if (!profile.equals("embedded") && profileConf.isEmpty()) {
      throw new IllegalArgumentException("unknown profile '" + profile + "' (embedded or cluster)");
    }
    return overridesConf.withFallback(sys).withFallback(profileConf).withFallback(application)
        .withFallback(reference).resolve();
  }

  public static Path home(Config config) {
    return Path.of(config.getString("clipper.home"));
  }
}
