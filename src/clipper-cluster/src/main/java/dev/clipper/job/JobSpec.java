package dev.clipper.job;

import dev.clipper.clip.ClipOptions;
import dev.clipper.cluster.CborSerializable;

/** What a user submitted: the input (a path or URL) and the clip options. */
public record JobSpec(String input, ClipOptions options) implements CborSerializable {}
