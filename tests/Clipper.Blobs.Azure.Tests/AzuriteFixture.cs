using Clipper.TestSupport;

namespace Clipper.Blobs.Azure.Tests;

/// <summary>One in-memory Azurite per test class, with a store opened on its "clipper" container.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public AzureBlobStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await AzuriteServer.StartAsync();
        Store = await AzureBlobStore.OpenAsync(Server.ConnectionString, AzureBlobStore.DefaultContainer, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
