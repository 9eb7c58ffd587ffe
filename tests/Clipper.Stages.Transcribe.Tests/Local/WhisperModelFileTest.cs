using Clipper.Core.Errors;
using Clipper.Stages.Transcribe.Local;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests.Local;

/// <summary>
/// The whisper engine's model file is checked before whisper.cpp sees it: every fault is bad_option naming the path
/// (whisper.cpp itself ends the process on a cut-short file).
/// </summary>
[Trait("Category", "unit")]
public sealed class WhisperModelFileTest : IDisposable
{
    private readonly string dir = TestMedia.TempDir("whisper-model-test");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void AGeneratedModelPasses()
    {
        var path = WhisperTestModel.Write(Path.Combine(dir, "ggml-test.bin"));
        var summary = WhisperModelFile.Check(path);
        // the encoder's 7 tensors and its block's 15, the decoder's 4 and its block's 24
        Assert.Equal((path, 51864, 1, 50), (summary.Path, summary.Vocabulary, summary.AudioLayers, summary.Tensors));
    }

    [Fact]
    public void AMissingPathIsNamed()
    {
        var path = Path.Combine(dir, "ggml-base.en.bin");
        Assert.Equal($"Whisper:Model (CLIPPER_WHISPER_MODEL) '{path}' does not exist; download a ggml model such as ggml-base.en.bin from https://huggingface.co/ggerganov/whisper.cpp",
            Refused(path));
    }

    [Fact]
    public void ADirectoryIsNamed()
    {
        Assert.StartsWith($"Whisper:Model (CLIPPER_WHISPER_MODEL) '{dir}' is a directory, not a model file;", Refused(dir));
    }

    [Fact]
    public void ATextFileIsNotAModel()
    {
        var path = Path.Combine(dir, "ggml-base.en.bin");
        File.WriteAllText(path, "<html>404 Not Found</html>");
        Assert.StartsWith($"Whisper:Model (CLIPPER_WHISPER_MODEL) '{path}' is not a ggml Whisper model (it does not start with the ggml magic);", Refused(path));
    }

    [Fact]
    public void AnEmptyFileIsNotAModel()
    {
        var path = Path.Combine(dir, "empty.bin");
        File.WriteAllBytes(path, []);
        Assert.StartsWith($"Whisper:Model (CLIPPER_WHISPER_MODEL) '{path}' is not a ggml Whisper model", Refused(path));
    }

    [Fact]
    public void AModelCutShortIsRefused()
    {
        var path = WhisperTestModel.Write(Path.Combine(dir, "ggml-cut.bin"));
        using (var f = new FileStream(path, FileMode.Open))
        {
            f.SetLength(f.Length * 2 / 3);
        }

        Assert.StartsWith($"Whisper:Model (CLIPPER_WHISPER_MODEL) '{path}' ends early: it is cut short", Refused(path));
    }

    [Fact]
    public void AModelWithoutWeightsIsRefused()
    {
        var path = WhisperTestModel.Write(Path.Combine(dir, "ggml-full.bin"));
        // whisper.cpp's own test files stop after the vocabulary: cut this one at its first tensor
        var bytes = File.ReadAllBytes(path);
        int first = IndexOf(bytes, "encoder.positional_embedding"u8) - (3 * 4) - (2 * 4);
        var empty = Path.Combine(dir, "for-tests-ggml.bin");
        File.WriteAllBytes(empty, bytes[..first]);

        Assert.StartsWith($"Whisper:Model (CLIPPER_WHISPER_MODEL) '{empty}' holds no weights", Refused(empty));
    }

    [Fact]
    public void NoModelSetSaysWhatToSet()
    {
        Assert.StartsWith("Whisper:Model (CLIPPER_WHISPER_MODEL) is not set: the whisper engine needs a ggml model file;", Refused(""));
    }

    [Fact]
    public void ChoosingWhisperChecksTheModel()
    {
        var path = Path.Combine(dir, "nope.bin");
        var e = Assert.Throws<ClipperException>(() => Transcriber.Standard(new TranscribeOptions { Engine = "whisper", Whisper = { Model = path } }));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains($"'{path}' does not exist", e.Message);
    }

    [Fact]
    public void EachModelHasItsOwnCacheName()
    {
        var options = new TranscribeOptions { Whisper = { Model = "/models/ggml-base.en.bin" } };
        Assert.Equal("whisper-ggml-base.en", options.CacheName("whisper"));
        Assert.Equal("transcripts/abc-whisper-ggml-base.en.json", Clipper.Core.Storage.BlobLayout.Transcript("abc", fromCaptions: false, options.CacheName("whisper")));
        Assert.Equal("whisper-ggml-large-v3", new TranscribeOptions { Whisper = { Model = "/m/ggml-large-v3.bin" } }.CacheName("whisper"));
        Assert.Equal("openai", options.CacheName("openai"));
        // the transcriber a job gets carries its key: a job that asks for whisper caches under the model's name
        var model = WhisperTestModel.Write(Path.Combine(dir, "ggml-tiny-test.bin"));
        var transcriber = Transcriber.Standard(new TranscribeOptions { Whisper = { Model = model } }, new Clipper.Core.Remote.OpenAiOptions(), engine: "whisper");
        Assert.Equal("whisper-ggml-tiny-test", transcriber.CacheName);
        Assert.Equal("pocketsphinx", options.CacheName("pocketsphinx"));
    }

    private static string Refused(string path)
    {
        var e = Assert.Throws<ClipperException>(() => WhisperModelFile.Check(path));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        return e.Message;
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
