namespace Clipper.Persistence.Tests.Grains;

/// <summary>The state the test grains persist (Orleans' default grain-storage serializer writes it as JSON).</summary>
[GenerateSerializer, Alias("Clipper.Persistence.Tests.NoteState")]
public sealed class NoteState
{
    [Id(0)]
    public string Text { get; set; } = "";

    [Id(1)]
    public int Writes { get; set; }
}
