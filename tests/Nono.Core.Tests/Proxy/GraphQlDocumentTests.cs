using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed class GraphQlDocumentTests
{
    [Theory]
    [InlineData("mutation { createDeployKey(input: {}) { id } }", "createDeployKey")]
    [InlineData("mutation M($i: CreateInput!) { harmless: createDeployKey(input: $i) { clientMutationId } }", "createDeployKey")] // alias
    [InlineData("mutation { a: addComment(input: {body: \"x\"}) { clientMutationId } b: createPullRequest(input: {}) { id } }", "addComment,createPullRequest")]
    [InlineData("query Q { viewer { login } } mutation Other { addStar(input: {starrableId: \"1\"}) { clientMutationId } }", "addStar")] // every operation counts
    [InlineData("mutation { ...F } fragment F on Mutation { setEnterpriseIdentityProvider(input: {}) { clientMutationId } }", "setEnterpriseIdentityProvider")]
    [InlineData("mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { ...A x: addStar(input: {}) { clientMutationId } }", "addStar")] // cycle
    [InlineData("mutation { ... on Mutation { addStar(input: {}) { clientMutationId } } ... @include(if: true) { b: removeStar(input: {}) { clientMutationId } } }", "addStar,removeStar")]
    [InlineData("mutation { addComment(input: {body: \"mutation { createDeployKey }\"}) { clientMutationId } }", "addComment")] // a string is not code
    [InlineData("mutation { addComment(input: {body: \"\"\"\n}\n createDeployKey\n\"\"\"}) { subject { id } } }", "addComment")] // block string
    [InlineData("mutation {\n # createDeployKey(input: {}) { id }\n addStar(input: {}) { clientMutationId } }", "addStar")] // comment
    [InlineData("mutation { # comment\r createDeployKey(input: {}) { id } }", "createDeployKey")] // CR ends a comment
    [InlineData("mutation { addComment(input: {body: \"\\u0022 } createDeployKey { \\\\\"}) { subject { id } } }", "addComment")] // escapes
    [InlineData("mutation { addStar(input: {}) { starrable { ... on Repository { createDeployKey: id } } } }", "addStar")] // nested: not top-level
    [InlineData("{ viewer { login } }", "")]
    [InlineData("query { createDeployKey }", "")]
    [InlineData("subscription { x }", "")]
    [InlineData("mutation($n: [Int!]! = [1, -2.5e3, 0]) @d(a: {b: [null, true, ENUM]}) { addStar(input: {}) { clientMutationId } }", "addStar")]
    public void MutationFields_ReadsEveryTopLevelMutationField(string document, string expected)
    {
        (IReadOnlyList<string> fields, string? error) = GraphQlDocument.MutationFields(document);

        Assert.Null(error);
        Assert.Equal(expected, string.Join(',', fields.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   # only a comment")]
    [InlineData("mutation { createDeployKey(input: {}) { id }")] // unclosed
    [InlineData("mutation { addComment(input: {body: \"unterminated}) { id } }")]
    [InlineData("mutation { addComment(input: {body: \"a\nb\"}) { id } }")] // line end in a string
    [InlineData("mutation { addComment(input: {body: \"\\x\"}) { id } }")] // unknown escape
    [InlineData("mutation { addComment(input: {body: \"\"\" \\\"\"\" \"\"\"}) { id } }")] // escaped triple quote
    [InlineData("mutation { # comment\u2028 createDeployKey(input: {}) { id } }")] // a line separator some lexers end comments at
    [InlineData("mutation { # comment\u0085 createDeployKey(input: {}) { id } }")]
    [InlineData("mutation { # comment\f createDeployKey(input: {}) { id } }")]
    [InlineData("\uFEFFmutation { addStar(input: {}) { clientMutationId } }")]
    [InlineData("mutation { créer(input: {}) { id } }")]
    [InlineData("mutation { ...Missing }")]
    [InlineData("mutation { ...F } fragment F on Mutation { a } fragment F on Mutation { b }")]
    [InlineData("type Mutation { createDeployKey: Boolean }")]
    [InlineData("\"description\" mutation { a }")]
    [InlineData("mutation { a(n: 01) }")]
    [InlineData("mutation { a(n: 1x) }")]
    [InlineData("mutation { a(n: 1.) }")]
    [InlineData("mutation { .. a }")]
    [InlineData("mutation { a(n: $v) } fragment on on X { b }")]
    [InlineData("mutation { a @d(x: $v) } extra")]
    [InlineData("mutation { }")]
    public void MutationFields_RefusesWhatItCannotReadStrictly(string document)
    {
        (_, string? error) = GraphQlDocument.MutationFields(document);

        Assert.NotNull(error);
    }

    [Fact]
    public void MutationFields_DeepNesting_IsAnErrorNotACrash()
    {
        string document = "mutation { a(x: " + new string('[', 100_000) + new string(']', 100_000) + ") }";

        (_, string? error) = GraphQlDocument.MutationFields(document);

        Assert.Equal("nested too deeply", error);
    }

    [Theory]
    [InlineData("createDeployKey", "create,Deploy,Key")]
    [InlineData("createSSHKey_v2", "create,SSH,Key,v2")]
    [InlineData("addSsh_key", "add,Ssh,key")]
    [InlineData("keyword", "keyword")]
    public void Words_SplitsCamelCase(string name, string expected)
    {
        Assert.Equal(expected, string.Join(',', GraphQlDenials.Words(name)));
    }

    [Theory]
    [InlineData("createDeployKey", true)]
    [InlineData("CREATEDEPLOYKEY", false)] // one word; GraphQL names are case-sensitive, so no such field exists
    [InlineData("createDeploy_key", true)]
    [InlineData("createPersonalAccessToken", true)]
    [InlineData("setEnterpriseIdentityProvider", true)]
    [InlineData("SetEnterpriseIdentityProvider", true)]
    [InlineData("regenerateEnterpriseIdentityProviderRecoveryCodes", true)]
    [InlineData("generateRunnerJitconfig", true)]
    [InlineData("addComment", false)]
    [InlineData("createCommitOnBranch", false)]
    [InlineData("updateKeyword", false)]
    [InlineData("removeEnterpriseIdentityProvider", false)]
    public void FindDenied_GitHubList(string field, bool denied)
    {
        CredentialService github = BuiltinServices.Find("github")!; // built in

        Assert.Equal(denied ? field : null, GraphQlDenials.FindDenied(github, ["addStar", field]));
    }
}
