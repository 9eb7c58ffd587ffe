package dev.clipper.worker;

import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** The five stages; each has a worker pool per node, found through the Receptionist under its key. */
public enum Stage {
  FETCH, TRANSCRIBE, SCORE, TRACK, ENCODE;

  private final ServiceKey<StageWorker.Command> key =
      ServiceKey.create(StageWorker.Command.class, "clipper-stage-" + name().toLowerCase());

  public ServiceKey<StageWorker.Command> serviceKey() {
    return key;
  }

  public String configName() {
    return name().toLowerCase();
  }
}
