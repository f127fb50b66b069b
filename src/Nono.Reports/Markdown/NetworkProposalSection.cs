using System.Text;
using System.Text.Json;
using Nono.Reports.Model;

namespace Nono.Reports.Markdown;

/// <summary>
/// The audit-mode proposal: a ready-to-paste <c>network:</c> input for the action and the same list as a profile snippet.
/// Hosts are untrusted: they appear only inside fenced code blocks, the YAML as a block scalar and the JSON encoded.
/// </summary>
internal static class NetworkProposalSection
{
    public static string Render(SessionReport report)
    {
        if (report.NetworkProposal is not { } proposal)
        {
            return "";
        }

        StringBuilder sb = new("### Proposed network policy\n");
        if (proposal.Hosts.Count == 0)
        {
            sb.Append("Audit mode recorded no host reached through the proxy. To enforce, set the step's input:\n\n")
              .Append(MarkdownText.CodeBlock("network: blocked", "yaml"));
        }
        else
        {
            sb.Append("Audit mode recorded every host the command reached. To enforce exactly these, set the step's input:\n\n");
            StringBuilder yaml = new("network: |\n");
            foreach (string host in proposal.Hosts)
            {
                yaml.Append("  ").Append(host.ReplaceLineEndings(" ")).Append('\n');
            }

            sb.Append(MarkdownText.CodeBlock(yaml.ToString().TrimEnd('\n'), "yaml"))
              .Append("\nor in a profile (`profile:` input):\n\n")
              .Append(MarkdownText.CodeBlock(ProfileSnippet(proposal.Hosts), "json"));
        }

        if (proposal.Refused.Count > 0)
        {
            sb.Append("\nRefused even in audit mode, as in enforce mode (metadata, link-local, or loopback/private without a `resolve` entry): ")
              .Append(string.Join(", ", proposal.Refused.Select(MarkdownText.Code))).Append('\n');
        }

        return sb.ToString();
    }

    private static string ProfileSnippet(IReadOnlyList<string> hosts)
    {
        StringBuilder sb = new("{\n  \"network\": {\n    \"allow_domain\": [\n");
        for (int i = 0; i < hosts.Count; i++)
        {
            sb.Append("      \"").Append(JsonEncodedText.Encode(hosts[i]).ToString()).Append('"').Append(i + 1 < hosts.Count ? ",\n" : "\n");
        }

        return sb.Append("    ]\n  }\n}").ToString();
    }
}
