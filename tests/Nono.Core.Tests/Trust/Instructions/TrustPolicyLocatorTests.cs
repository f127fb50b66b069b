using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Tests.Trust.Instructions;

public sealed class TrustPolicyLocatorTests
{
    [Fact]
    public async Task ResolveAsync_NoPolicyAnywhere_IsNone()
    {
        using TrustWorkspace ws = new();

        TrustPolicyResolution r = await TrustPolicyLocator.ResolveAsync(ws.Root, new Dictionary<string, string>(), TestContext.Current.CancellationToken);

        Assert.Equal(TrustPolicySource.None, r.Source);
        Assert.Null(r.Policy);
        Assert.Empty(r.Problems);
    }

    [Fact]
    public async Task ResolveAsync_UnanchoredWorkspacePolicy_IsRefusedUnlessOptedIn()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        ws.Write(TrustPolicy.FileName, """{ "enforcement": "audit" }""");

        TrustPolicyResolution refused = await TrustPolicyLocator.ResolveAsync(ws.Root, new Dictionary<string, string>(), ct);
        TrustPolicyResolution optedIn = await TrustPolicyLocator.ResolveAsync(ws.Root, new Dictionary<string, string> { [TrustPolicyLocator.AllowUnpinnedVariable] = "1" }, ct);

        Assert.Null(refused.Policy);
        Assert.Contains("not anchored outside the workspace", Assert.Single(refused.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(TrustPolicySource.WorkspaceUnpinned, optedIn.Source);
        Assert.Equal(TrustEnforcement.Audit, optedIn.Policy!.Enforcement);
    }

    [Fact]
    public async Task ResolveAsync_PinnedPolicy_WinsOverTheWorkspaceOne()
    {
        using TrustWorkspace ws = new();
        ws.Write(TrustPolicy.FileName, """{ "enforcement": "audit" }""");
        string pinned = Path.Combine(ws.Outside, "pinned.json");
        File.WriteAllText(pinned, """{ "enforcement": "deny" }""");

        TrustPolicyResolution r = await TrustPolicyLocator.ResolveAsync(ws.Root, new Dictionary<string, string> { [TrustPolicyLocator.PolicyVariable] = pinned }, TestContext.Current.CancellationToken);

        Assert.Equal(TrustPolicySource.Pinned, r.Source);
        Assert.Equal(TrustEnforcement.Deny, r.Policy!.Enforcement);
    }

    [Fact]
    public async Task ResolveAsync_PinnedPathInsideWorkspace_EvenThroughASymlink_IsRefused()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        ws.Write("mine.json", "{}");
        string link = Path.Combine(ws.Outside, "link.json");
        File.CreateSymbolicLink(link, Path.Combine(ws.Root, "mine.json"));

        TrustPolicyResolution direct = await TrustPolicyLocator.ResolveAsync(ws.Root, new Dictionary<string, string> { [TrustPolicyLocator.PolicyVariable] = Path.Combine(ws.Root, "mine.json") }, ct);
        TrustPolicyResolution viaLink = await TrustPolicyLocator.ResolveAsync(ws.Root, new Dictionary<string, string> { [TrustPolicyLocator.PolicyVariable] = link }, ct);

        Assert.Contains("inside the workspace", Assert.Single(direct.Problems).Message, StringComparison.Ordinal);
        Assert.Contains("inside the workspace", Assert.Single(viaLink.Problems).Message, StringComparison.Ordinal);
        Assert.Null(viaLink.Policy);
    }

    [Fact]
    public async Task ResolveAsync_SignedWorkspacePolicy_AcceptedWithTheKeyAndRefusedWhenEdited()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        using SigningKey owner = SigningKey.Generate();
        using SigningKey agent = SigningKey.Generate();
        string keyFile = Path.Combine(ws.Outside, "owner.pub");
        File.WriteAllText(keyFile, owner.PublicKeyPem);
        Dictionary<string, string> env = new() { [TrustPolicyLocator.PolicyKeyVariable] = keyFile };
        ws.Write(TrustPolicy.FileName, """{ "enforcement": "deny" }""");
        await ws.SignAsync(TrustPolicy.FileName, owner, ct);

        TrustPolicyResolution accepted = await TrustPolicyLocator.ResolveAsync(ws.Root, env, ct);
        ws.Write(TrustPolicy.FileName, """{ "enforcement": "audit" }""");
        TrustPolicyResolution edited = await TrustPolicyLocator.ResolveAsync(ws.Root, env, ct);
        await ws.SignAsync(TrustPolicy.FileName, agent, ct);
        TrustPolicyResolution resigned = await TrustPolicyLocator.ResolveAsync(ws.Root, env, ct);

        Assert.Equal(TrustPolicySource.WorkspaceSigned, accepted.Source);
        Assert.Equal(TrustEnforcement.Deny, accepted.Policy!.Enforcement);
        Assert.Contains("modified after it was signed", Assert.Single(edited.Problems).Message, StringComparison.Ordinal);
        Assert.Contains("not signed by the key", Assert.Single(resigned.Problems).Message, StringComparison.Ordinal);
        Assert.Null(resigned.Policy);
    }
}
