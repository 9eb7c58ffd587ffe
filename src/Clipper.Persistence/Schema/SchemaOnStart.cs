namespace Clipper.Persistence.Schema;

/// <summary>
/// Installs the schema when the silo starts, at the first runtime stage, before grain storage
/// (ApplicationServices) and the reminder table (RuntimeGrainServices) load their queries.
/// </summary>
internal sealed class SchemaOnStart(StorageOptions options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaOnStart), ServiceLifecycleStage.RuntimeInitialize,
            ct => ClipperStorage.EnsureSchemaAsync(options, ct));
}
