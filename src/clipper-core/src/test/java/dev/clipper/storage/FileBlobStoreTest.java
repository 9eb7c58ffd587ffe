package dev.clipper.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {
  @TempDir Path root;
  @TempDir Path local;

  @Test
  void putThenReadBackAndListByPrefix() throws Exception {
    FileBlobStore blobs = new FileBlobStore(root);
    Path file = Files.writeString(local.resolve("a.txt"), "hello");
    blobs.put("jobs/j1/clip-01.srt", file);
    blobs.putBytes("jobs/j1/clip-01.vtt", "WEBVTT".getBytes(StandardCharsets.UTF_8));
    blobs.putBytes("sources/abc.mp4", new byte[] {1, 2, 3});

    assertTrue(blobs.exists("jobs/j1/clip-01.srt"));
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), blobs.getBytes("jobs/j1/clip-01.srt"));
    assertEquals(List.of("jobs/j1/clip-01.srt", "jobs/j1/clip-01.vtt"), blobs.list("jobs/j1/"));
    Path copy = local.resolve("out/copy.mp4");
    blobs.download("sources/abc.mp4", copy);
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(copy));
    blobs.delete("sources/abc.mp4");
    assertFalse(blobs.exists("sources/abc.mp4"));
  }

  @Test
  void overwritingLeavesNoTemporaryFilesAndListingHidesThem() throws Exception {
    FileBlobStore blobs = new FileBlobStore(root);
    blobs.putBytes("k/v.bin", new byte[] {1});
    blobs.putBytes("k/v.bin", new byte[] {2});
    Files.writeString(root.resolve("k/.tmp-dead-attempt-v.bin"), "partial");
    assertArrayEquals(new byte[] {2}, blobs.getBytes("k/v.bin"));
    assertEquals(List.of("k/v.bin"), blobs.list("k/"));
    try (var s = Files.list(root.resolve("k"))) {
      assertEquals(2, s.count(), "only the blob and the planted partial file");
    }
  }

  @Test
  void missingBlobIsSourceNotFound() {
    FileBlobStore blobs = new FileBlobStore(root);
    ClipperException e = assertThrows(ClipperException.class, () -> blobs.getBytes("nope/x.json"));
    assertEquals(ErrorCode.SOURCE_NOT_FOUND, e.code());
    e = assertThrows(ClipperException.class, () -> blobs.download("nope/x.json", local.resolve("x")));
    assertEquals(ErrorCode.SOURCE_NOT_FOUND, e.code());
    assertFalse(Files.exists(local.resolve("x")));
  }

  @Test
  void keysThatCouldEscapeTheStoreAreRefused() throws Exception {
    FileBlobStore blobs = new FileBlobStore(root.resolve("store"));
    for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "", "./a")) {
      assertThrows(IllegalArgumentException.class, () -> blobs.putBytes(bad, new byte[0]), bad);
    }
    try (var s = Files.list(root)) {
      assertEquals(List.of(root.resolve("store")), s.toList(), "nothing written beside the store");
    }
  }
}
