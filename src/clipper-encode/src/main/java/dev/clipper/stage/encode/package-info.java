/**
 * Stage 5, encode: {@link dev.clipper.stage.encode.ClipEncoder} turns a source, a clip window, its words and
 * a crop path into a vertical MP4 with burned-in, word-highlighted captions, plus SRT, VTT and a JPEG
 * thumbnail, in one ffmpeg pass. {@link dev.clipper.stage.encode.Captions} makes the caption files.
 * Plain functions of their inputs: no Pekko, no static state.
 */
package dev.clipper.stage.encode;
