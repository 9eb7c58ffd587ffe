package dev.clipper.cluster;

/** Marker for every message, event and state that crosses the wire or the journal: Jackson CBOR. */
public interface CborSerializable {}
