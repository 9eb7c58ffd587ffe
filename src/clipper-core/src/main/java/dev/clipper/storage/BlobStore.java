package dev.clipper.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where sources, intermediate artifacts and outputs live, so that any node can run any stage. Keys are
 * slash-separated relative paths ("sources/ab12….mp4", "jobs/JOB/clip-01.mp4"). Every write is atomic: a
 * reader sees the whole blob or none of it. Failures throw {@code ClipperException} with
 * {@code STORAGE_FAILED} (transient) or {@code SOURCE_NOT_FOUND} for a missing key.
 */
public interface BlobStore {
  void put(String key, Path file);

  void putBytes(String key, byte[] data);

  boolean exists(String key);

  /** Copies a blob to a local file (atomically replacing it). */
  void download(String key, Path target);

  byte[] getBytes(String key);

  /** Keys that start with the prefix, sorted. */
  List<String> list(String prefix);

  void delete(String key);

  /** A URL a client can fetch the blob from, valid for at least {@code ttl} where the store can sign. */
  URI url(String key, Duration ttl);

  /** Rejects keys that could escape the store or are not plain relative paths. */
  static String checkKey(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("//")) {
      throw new IllegalArgumentException("bad blob key: " + key);
    }
    for (String part : key.split("/")) {
      if (part.equals("..") || part.equals(".")) throw new IllegalArgumentException("bad blob key: " + key);
    }
    return key;
  }
}
