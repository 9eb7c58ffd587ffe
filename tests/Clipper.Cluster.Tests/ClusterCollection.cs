namespace Clipper.Cluster.Tests;

/// <summary>The chaos, graceful-stop and load tests share one three-silo cluster and run one after another.</summary>
[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterRig>;
