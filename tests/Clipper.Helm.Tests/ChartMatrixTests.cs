using k8s.Models;
using YamlDotNet.Core;

namespace Clipper.Helm.Tests;

/// <summary>The chart over the values matrix: helm lint --strict passes, and the render is exactly the expected objects, each parsed strictly.</summary>
[Trait("Category", "external")]
public sealed class ChartMatrixTests
{
    public static TheoryData<string> Cases => ValuesMatrix.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task LintsStrictlyClean(string name)
    {
        var result = await HelmTool.LintAsync(HelmTool.Sets(ValuesMatrix.Cases[name].Values.Select(v => KeyValuePair.Create(v.Key, v.Value))));
        Assert.True(result.ExitCode == 0, $"helm lint --strict failed for {name}: {result}");
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", result.Output);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RendersExactlyItsObjects(string name)
    {
        var chart = await ValuesMatrix.RenderAsync(name);
        Assert.Equal(ValuesMatrix.Cases[name].Objects.Order(), chart.Names.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task KubernetesModelsFindEveryObjectValid(string name)
    {
        var rendered = await HelmTool.TemplateAsync(HelmTool.Sets(ValuesMatrix.Cases[name].Values.Select(v => KeyValuePair.Create(v.Key, v.Value))));
        Assert.Equal(0, rendered.ExitCode);
        var result = await KubernetesModels.CheckAsync(rendered.Output);
        Assert.True(result.ExitCode == 0, $"kubernetes-models refused {name}: {result}");
        // the package has no model of the Prometheus Operator's ServiceMonitor: the strict parse checks that one (ServiceMonitor.cs)
        var expected = ValuesMatrix.Cases[name].Objects
            .Select(o => o.StartsWith("ServiceMonitor/", StringComparison.Ordinal) ? $"unknown {o}: monitoring.coreos.com/v1" : $"valid {o}");
        Assert.Equal(expected.Order(), result.Lines.Order());
    }

    [Fact]
    public async Task KubernetesModelsRefuseABadEnumAndAMissingRequiredField()
    {
        var rendered = await HelmTool.TemplateAsync(HelmTool.Sets([]));
        Assert.Contains("      protocol: TCP\n", rendered.Output);
        var badEnum = await KubernetesModels.CheckAsync(rendered.Output.Replace("      protocol: TCP\n", "      protocol: TPC\n", StringComparison.Ordinal));
        Assert.Equal(1, badEnum.ExitCode);
        Assert.Contains(badEnum.Lines, l => l.StartsWith("invalid Service/clip-clipper: ", StringComparison.Ordinal) && l.Contains("protocol must be equal to one of the allowed values"));
        Assert.Contains("      port: 7070\n", rendered.Output);
        var missing = await KubernetesModels.CheckAsync(rendered.Output.Replace("      port: 7070\n", "", StringComparison.Ordinal));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("invalid Service/clip-clipper: data/spec/ports/0 must have required property port", missing.Lines);
    }

    [Fact]
    public async Task TheStrictParseRefusesAMisspeltField()
    {
        var rendered = await HelmTool.TemplateAsync(HelmTool.Sets([]));
        Assert.Equal(0, rendered.ExitCode);
        Assert.NotNull(RenderedChart.Parse(rendered.Output).Deployment);
        Assert.Contains("  minReadySeconds: 10\n", rendered.Output);
        var misspelt = rendered.Output.Replace("  minReadySeconds: 10\n", "  minReadySecond: 10\n", StringComparison.Ordinal);
        var e = Assert.ThrowsAny<YamlException>(() => RenderedChart.Parse(misspelt));
        Assert.Contains("minReadySecond", e.ToString());
    }

    [Fact]
    public async Task TheStrictParseRefusesAWrongType()
    {
        var rendered = await HelmTool.TemplateAsync(HelmTool.Sets([]));
        Assert.Contains("  replicas: 3\n", rendered.Output);
        var wrong = rendered.Output.Replace("  replicas: 3\n", "  replicas: three\n", StringComparison.Ordinal);
        Assert.ThrowsAny<YamlException>(() => RenderedChart.Parse(wrong));
    }

    [Fact]
    public async Task ReplicasAreTheValueWithoutAutoscalingAndLeftToTheHpaWithIt()
    {
        Assert.Equal(3, (await ValuesMatrix.RenderAsync("defaults")).Deployment.Spec.Replicas);
        Assert.Equal(1, (await ValuesMatrix.RenderAsync("one replica")).Deployment.Spec.Replicas);
        var scaled = await ValuesMatrix.RenderAsync("ten replicas with HPA");
        Assert.Null(scaled.Deployment.Spec.Replicas);
        var hpa = scaled.Single<V2HorizontalPodAutoscaler>();
        Assert.Equal(2, hpa.Spec.MinReplicas);
        Assert.Equal(10, hpa.Spec.MaxReplicas);
    }
}
