using Nono.Testing;
using YamlDotNet.RepresentationModel;

namespace Nono.Action.Tests.Workflows;

/// <summary>action.yml and the example workflows parse, and examples use only inputs the action defines.</summary>
public sealed class WorkflowFilesTests
{
    private static readonly string s_root = NonoExecutable.RepositoryRoot;

    public static TheoryData<string> Examples() =>
        [.. Directory.GetFiles(Path.Combine(s_root, "examples", "workflows"), "*.yml").Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void ActionYml_IsACompositeActionWithRequiredRunInput()
    {
        YamlMappingNode action = Load(Path.Combine(s_root, "action.yml"));

        YamlMappingNode runs = (YamlMappingNode)action["runs"];
        Assert.Equal("composite", ((YamlScalarNode)runs["using"]).Value);
        YamlMappingNode run = (YamlMappingNode)((YamlMappingNode)action["inputs"])["run"];
        Assert.Equal("true", ((YamlScalarNode)run["required"]).Value);
    }

    [Fact]
    public void ActionYml_EveryInputReachesTheRunStepAsInputVariable()
    {
        YamlMappingNode action = Load(Path.Combine(s_root, "action.yml"));
        HashSet<string> inputs = ActionInputs(action);
        YamlMappingNode runStep = ((YamlSequenceNode)((YamlMappingNode)action["runs"])["steps"])
            .OfType<YamlMappingNode>()
            .Single(s => s.Children.TryGetValue(new YamlScalarNode("id"), out YamlNode? id) && ((YamlScalarNode)id).Value == "run");

        HashSet<string> passed = [.. ((YamlMappingNode)runStep["env"]).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!)];

        foreach (string input in inputs.Where(i => i != "version"))
        {
            Assert.Contains("INPUT_" + input.Replace('-', '_').ToUpperInvariant(), passed);
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_UsesOnlyDefinedInputsAndAllRequiredOnes(string file)
    {
        HashSet<string> inputs = ActionInputs(Load(Path.Combine(s_root, "action.yml")));
        YamlMappingNode workflow = Load(Path.Combine(s_root, "examples", "workflows", file));
        int uses = 0;

        foreach (YamlMappingNode step in Steps(workflow))
        {
            if (!step.Children.TryGetValue(new YamlScalarNode("uses"), out YamlNode? usesNode)
                || !((YamlScalarNode)usesNode).Value!.StartsWith("nono/sandbox@", StringComparison.Ordinal))
            {
                continue;
            }

            uses++;
            YamlMappingNode with = (YamlMappingNode)step["with"];
            List<string> given = [.. with.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!)];
            Assert.All(given, key => Assert.Contains(key, inputs));
            Assert.Contains("run", given);
        }

        Assert.True(uses > 0, $"{file} does not use the action");
    }

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode workflow) =>
        ((YamlMappingNode)workflow["jobs"]).Children.Values.OfType<YamlMappingNode>()
            .SelectMany(job => ((YamlSequenceNode)job["steps"]).OfType<YamlMappingNode>());

    private static HashSet<string> ActionInputs(YamlMappingNode action) =>
        [.. ((YamlMappingNode)action["inputs"]).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!)];

    private static YamlMappingNode Load(string path)
    {
        YamlStream stream = [];
        using StreamReader reader = new(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
