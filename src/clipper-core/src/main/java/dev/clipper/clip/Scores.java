package dev.clipper.clip;

/** The explainable sub-scores of a clip, each 0–100. */
public record Scores(int hook, int completeness, int density, int emotion) {}
