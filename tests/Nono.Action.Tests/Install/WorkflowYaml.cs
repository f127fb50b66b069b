using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Nono.Action.Tests.Install;

/// <summary>Reading GitHub workflow and action YAML: steps by id, and <c>${{ name }}</c> filled in from known values.</summary>
internal static partial class WorkflowYaml
{
    public static YamlMappingNode Load(string path)
    {
        YamlStream stream = [];
        using StreamReader reader = new(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    public static YamlMappingNode StepById(YamlNode steps, string id) =>
        ((YamlSequenceNode)steps).OfType<YamlMappingNode>()
            .Single(s => s.Children.TryGetValue(new YamlScalarNode("id"), out YamlNode? node) && ((YamlScalarNode)node).Value == id);

    /// <summary>The step's <c>env</c> mapping with every expression evaluated; an unknown name throws, so no step runs half-filled.</summary>
    public static Dictionary<string, string> Env(YamlMappingNode step, IReadOnlyDictionary<string, string> values)
    {
        Dictionary<string, string> env = [];
        if (step.Children.TryGetValue(new YamlScalarNode("env"), out YamlNode? node))
        {
            foreach ((YamlNode key, YamlNode value) in ((YamlMappingNode)node).Children)
            {
                env[((YamlScalarNode)key).Value!] = Evaluate(((YamlScalarNode)value).Value!, values);
            }
        }

        return env;
    }

    public static string Evaluate(string text, IReadOnlyDictionary<string, string> values) =>
        Expression().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out string? value)
            ? value
            : throw new InvalidOperationException($"no value for ${{{{ {m.Groups[1].Value} }}}} in a test"));

    [GeneratedRegex(@"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")]
    private static partial Regex Expression();
}
