using System.Text;
using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Tests.Trust.Instructions;

public sealed class TrustPolicyReaderTests
{
    [Fact]
    public void Parse_SerializedPolicy_RoundTrips()
    {
        using SigningKey key = SigningKey.Generate();
        TrustPolicy policy = new()
        {
            Publishers =
            [
                new TrustPublisher { Name = "k", PublicKey = key.PublicKeyPem },
                new TrustPublisher { Name = "ci", Issuer = "https://token.actions.githubusercontent.com", Repository = "o/r", Workflow = ".github/workflows/sign.yml", RefPattern = "refs/tags/v*" },
            ],
            Blocklist = ["sha256:" + new string('a', 64)],
            Enforcement = TrustEnforcement.Warn,
        };

        byte[] json = TrustPolicyReader.Serialize(policy);
        TrustPolicyReadResult read = TrustPolicyReader.Parse(json, "p");

        Assert.Empty(read.Problems);
        Assert.Contains("\"enforcement\": \"warn\"", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        Assert.Equal(TrustEnforcement.Warn, read.Policy!.Enforcement);
        Assert.Equal(policy.Publishers, read.Policy.Publishers);
        Assert.Equal(TrustPolicy.DefaultInclude, read.Policy.Include);
    }

    [Fact]
    public void Parse_ManyMistakes_ReportsEveryProblemWithItsPath()
    {
        const string Json = """
            {
              "version": 2,
              "include": ["../AGENTS.md", 3],
              "publishers": [
                { "name": "a" },
                { "name": "a", "public_key": "nope" },
                { "name": "c", "issuer": "https://i", "repository": "norepo", "colour": "x" }
              ],
              "blocklist": ["sha256:abc"],
              "enforcement": "maybe",
              "extra": true
            }
            """;

        TrustPolicyReadResult read = TrustPolicyReader.Parse(Encoding.UTF8.GetBytes(Json), "trust-policy.json");

        Assert.Null(read.Policy);
        string[] paths = [.. read.Problems.Select(p => p.JsonPath)];
        Assert.Equal(
            ["$.version", "$.include[0]", "$.include[1]", "$.publishers[0]", "$.publishers[1].name", "$.publishers[1].public_key",
             "$.publishers[2].colour", "$.publishers[2].workflow", "$.publishers[2].ref", "$.publishers[2].repository",
             "$.blocklist[0]", "$.enforcement", "$.extra"],
            paths);
        Assert.All(read.Problems, p => Assert.Equal("trust-policy.json", p.Origin));
    }

    [Fact]
    public void Parse_OnlyPublishers_KeepsDefaultsForEverythingElse()
    {
        TrustPolicyReadResult read = TrustPolicyReader.Parse("""{ "publishers": [ { "name": "ci", "issuer": "https://i", "repository": "o/r", "workflow": "w.yml", "ref": "*" } ] }"""u8, "p");

        Assert.Empty(read.Problems);
        Assert.Equal(TrustPolicy.DefaultInclude, read.Policy!.Include);
        Assert.Empty(read.Policy.Exclude);
        Assert.Empty(read.Policy.Blocklist);
        Assert.Equal(TrustEnforcement.Deny, read.Policy.Enforcement);
    }

    [Fact]
    public void Parse_NotJson_OneProblemAtRoot()
    {
        TrustPolicyReadResult read = TrustPolicyReader.Parse("{"u8, "p");

        Assert.Equal("$", Assert.Single(read.Problems).JsonPath);
    }
}
