using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed partial class PolicyExplainerTests
{
    [Fact]
    public void Why_DenyCarvesGrant_WayDirectoryAndNewEntriesRefused_ListedSiblingsAllowed()
    {
        using PolicyFixture f = new();
        string project = f.MakeDirectory("project");
        string secrets = f.MakeDirectory("project", "secrets");
        f.MakeDirectory("project", "src");
        string existing = f.MakeFile("project", "README");
        ResolvedPolicy policy = Resolve(f, $$"""{ "filesystem": { "allow": ["{{project}}"], "deny": ["{{secrets}}"] } }""");

        Decision listing = PolicyExplainer.Why(policy, project, FsOperation.Read);
        Decision create = PolicyExplainer.Why(policy, Path.Combine(project, "new.txt"), FsOperation.Write);
        Decision sibling = PolicyExplainer.Why(policy, existing, FsOperation.ReadWrite);
        Decision deeper = PolicyExplainer.Why(policy, Path.Combine(project, "src", "new.cs"), FsOperation.Write);

        Assert.False(listing.Allowed);
        Assert.Equal(DecidingRule.Carved, listing.Rule);
        Assert.Equal(secrets, listing.RulePath);
        Assert.Contains($"nothing can be listed, created, removed or renamed directly in {project}", listing.Reason, StringComparison.Ordinal);
        Assert.False(create.Allowed);
        Assert.Equal(DecidingRule.Carved, create.Rule);
        Assert.True(sibling.Allowed, sibling.Reason);
        Assert.True(deeper.Allowed, deeper.Reason);
    }

    [Fact]
    public void Why_DenyWrite_ReadableNotWritable_WayDirectoryReadable()
    {
        using PolicyFixture f = new();
        string tool = f.MakeDirectory("tool");
        string settings = f.MakeFile("tool", "settings.json");
        string history = f.MakeFile("tool", "history");
        ResolvedPolicy policy = Resolve(f, $$"""{ "filesystem": { "allow": ["{{tool}}"], "deny_write": ["{{settings}}"] } }""");

        Decision read = PolicyExplainer.Why(policy, settings, FsOperation.Read);
        Decision write = PolicyExplainer.Why(policy, settings, FsOperation.Write);
        Decision listing = PolicyExplainer.Why(policy, tool, FsOperation.Read);
        Decision create = PolicyExplainer.Why(policy, Path.Combine(tool, "new"), FsOperation.Write);
        Decision sibling = PolicyExplainer.Why(policy, history, FsOperation.Write);

        Assert.True(read.Allowed, read.Reason);
        Assert.False(write.Allowed);
        Assert.Equal(DecidingRule.Carved, write.Rule);
        Assert.Contains("readable, never writable", write.Reason, StringComparison.Ordinal);
        Assert.True(listing.Allowed, listing.Reason);
        Assert.False(create.Allowed);
        Assert.True(sibling.Allowed, sibling.Reason);
    }
}
