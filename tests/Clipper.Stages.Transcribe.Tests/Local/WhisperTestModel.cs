using System.Text;
using Clipper.Stages.Transcribe.Local;

namespace Clipper.Stages.Transcribe.Tests.Local;

/// <summary>
/// A real Whisper ggml model file with random weights, written by the test (no model could be had here): the layout
/// whisper.cpp's loader reads (magic, hyper-parameters, mel filters, vocabulary, every tensor of an English model by
/// name and shape), with 64-wide layers so it is 8 MB and fast. whisper.cpp loads and runs it like any model; what it
/// "hears" is noise, so tests assert only what a random model must still do (words from its vocabulary, in order,
/// timed inside the audio). Its vocabulary: token 220 is " ", 13 ".", 11 ","; every third other token is " wN" (a
/// word start), the rest "xN" (a continuation), so a word reads like "w12x13x14".
/// </summary>
internal static class WhisperTestModel
{
    private const int Vocabulary = 51864; // an English-only model: ids past the text tokens are whisper.cpp's specials
    private const int TextTokens = 50256;
    private const int AudioContext = 1500;
    private const int Width = 64;
    private const int Layers = 1;
    private const int TextContext = 448;
    private const int Mels = 80;

    /// <summary>The text of token <paramref name="id"/>.</summary>
    public static string Token(int id) => id switch
    {
        220 => " ",
        13 => ".",
        11 => ",",
        _ when id % 3 == 0 => " w" + id,
        _ => "x" + id,
    };

    /// <summary>Writes the model to <paramref name="path"/>; the same seed gives the same file.</summary>
    /// <param name="rename">a tensor name to write in place of the first one (whisper.cpp refuses names it does not know)</param>
    public static string Write(string path, int seed = 1, string? rename = null)
    {
        var rng = new Random(seed);
        using var w = new BinaryWriter(File.Create(path));
        w.Write(WhisperModelFile.Magic);
        // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype (1: f16 matrices)
        foreach (var v in new[] { Vocabulary, AudioContext, Width, 1, Layers, TextContext, Width, 1, Layers, Mels, 1 })
        {
            w.Write(v);
        }

        w.Write(Mels);
        w.Write(201);
        for (int i = 0; i < Mels * 201; i++)
        {
            w.Write(i % 201 == 2 * (i / 201) ? 1f : 0f);
        }

        w.Write(TextTokens);
        for (int i = 0; i < TextTokens; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(Token(i));
            w.Write(bytes.Length);
            w.Write(bytes);
        }

        int written = 0;
        foreach (var (name, shape) in Tensors())
        {
            // matrices are f16 (the convolutions must be), vectors and positional embeddings f32, as whisper.cpp builds them
            bool half = shape.Length >= 2 && !name.Contains("positional", StringComparison.Ordinal) && !name.EndsWith(".bias", StringComparison.Ordinal);
            var nameBytes = Encoding.UTF8.GetBytes(written == 0 && rename is not null ? rename : name);
            w.Write(shape.Length);
            w.Write(nameBytes.Length);
            w.Write(half ? 1 : 0);
            foreach (var n in shape)
            {
                w.Write(n);
            }

            w.Write(nameBytes);
            bool norm = name.EndsWith("ln.weight", StringComparison.Ordinal) || name.EndsWith("ln_post.weight", StringComparison.Ordinal);
            long count = shape.Aggregate(1L, (a, b) => a * b);
            for (long i = 0; i < count; i++)
            {
                float v = norm ? 1f : (float)((rng.NextDouble() * 2) - 1) * 0.2f;
                if (half)
                {
                    w.Write((Half)v);
                }
                else
                {
                    w.Write(v);
                }
            }

            written++;
        }

        return path;
    }

    /// <summary>Every tensor whisper.cpp expects, by its name, in ggml's dimension order.</summary>
    private static IEnumerable<(string Name, int[] Shape)> Tensors()
    {
        yield return ("encoder.positional_embedding", [Width, AudioContext]);
        yield return ("encoder.conv1.weight", [3, Mels, Width]);
        yield return ("encoder.conv1.bias", [1, Width]);
        yield return ("encoder.conv2.weight", [3, Width, Width]);
        yield return ("encoder.conv2.bias", [1, Width]);
        yield return ("encoder.ln_post.weight", [Width]);
        yield return ("encoder.ln_post.bias", [Width]);
        foreach (var t in Blocks("encoder", ["attn"]))
        {
            yield return t;
        }

        yield return ("decoder.positional_embedding", [Width, TextContext]);
        yield return ("decoder.token_embedding.weight", [Width, Vocabulary]);
        yield return ("decoder.ln.weight", [Width]);
        yield return ("decoder.ln.bias", [Width]);
        foreach (var t in Blocks("decoder", ["attn", "cross_attn"]))
        {
            yield return t;
        }
    }

    private static IEnumerable<(string Name, int[] Shape)> Blocks(string part, string[] attentions)
    {
        for (int layer = 0; layer < Layers; layer++)
        {
            var p = $"{part}.blocks.{layer}.";
            yield return (p + "mlp_ln.weight", [Width]);
            yield return (p + "mlp_ln.bias", [Width]);
            yield return (p + "mlp.0.weight", [Width, 4 * Width]);
            yield return (p + "mlp.0.bias", [4 * Width]);
            yield return (p + "mlp.2.weight", [4 * Width, Width]);
            yield return (p + "mlp.2.bias", [Width]);
            foreach (var a in attentions)
            {
                yield return (p + a + "_ln.weight", [Width]);
                yield return (p + a + "_ln.bias", [Width]);
                yield return (p + a + ".query.weight", [Width, Width]);
                yield return (p + a + ".query.bias", [Width]);
                yield return (p + a + ".key.weight", [Width, Width]);
                yield return (p + a + ".value.weight", [Width, Width]);
                yield return (p + a + ".value.bias", [Width]);
                yield return (p + a + ".out.weight", [Width, Width]);
                yield return (p + a + ".out.bias", [Width]);
            }
        }
    }
}
