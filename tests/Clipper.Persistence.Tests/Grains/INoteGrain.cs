namespace Clipper.Persistence.Tests.Grains;

/// <summary>A grain whose state lives in the "jobs" storage; one interface per key kind below.</summary>
public interface INotes
{
    Task<NoteState> Read();

    Task Write(string text);

    Task Clear();

    Task<string?> ETag();

    Task<bool> RecordExists();

    Task Deactivate();
}

/// <summary>String key (GrainIdExtensionString carries the key).</summary>
public interface INoteGrain : INotes, IGrainWithStringKey;

/// <summary>Long key, no extension (GrainIdExtensionString is NULL).</summary>
public interface ILongNoteGrain : INotes, IGrainWithIntegerKey;

/// <summary>Long key with an extension (GrainIdExtensionString is the extension).</summary>
public interface ILongCompoundNoteGrain : INotes, IGrainWithIntegerCompoundKey;

/// <summary>Guid key, no extension.</summary>
public interface IGuidNoteGrain : INotes, IGrainWithGuidKey;

/// <summary>Guid key with an extension.</summary>
public interface IGuidCompoundNoteGrain : INotes, IGrainWithGuidCompoundKey;
