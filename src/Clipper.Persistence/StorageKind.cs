namespace Clipper.Persistence;

internal enum StorageKind
{
    Sqlite,
    Postgres,
}
