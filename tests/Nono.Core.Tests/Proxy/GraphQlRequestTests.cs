using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed class GraphQlRequestTests
{
    [Theory]
    [InlineData("{\"query\":\"mutation { createDeployKey(input: {}) { id } }\"}", null, "createDeployKey")]
    [InlineData("{\"query\":\"\\u006dutation { \\u0063reateDeployKey(input: {}) { id } }\",\"variables\":{\"a\":1}}", null, "createDeployKey")] // JSON escapes
    [InlineData("{\"qu\\u0065ry\":\"mutation { createDeployKey(input: {}) { id } }\"}", null, "createDeployKey")] // escaped key
    [InlineData("{\"query\":\"query A { viewer { login } } mutation B { createDeployKey(input: {}) { id } }\",\"operationName\":\"A\"}", null, "createDeployKey")]
    [InlineData("[{\"query\":\"{ viewer { login } }\"},{\"query\":\"mutation { addStar(input: {}) { clientMutationId } }\"}]", null, "addStar")] // batch
    [InlineData("", "query=mutation+%7B+createDeployKey(input%3A+%7B%7D)+%7B+id+%7D+%7D", "createDeployKey")] // GET form
    [InlineData("{\"query\":\"{ viewer { login } }\"}", "query=mutation%7BaddStar(input:%7B%7D)%7Bid%7D%7D", "addStar")] // Rails merges both
    [InlineData("{\"query\":\"{ viewer { login } }\",\"operationName\":null,\"variables\":null,\"extensions\":{}}", "per_page=3", "")]
    public void MutationFields_FindsEveryDocument(string body, string? query, string expected)
    {
        (IReadOnlyList<string> fields, string? error) = GraphQlRequest.MutationFields(Encoding.UTF8.GetBytes(body), query);

        Assert.Null(error);
        Assert.Equal(expected, string.Join(',', fields));
    }

    [Theory]
    [InlineData("{\"query\":\"{ a }\",\"query\":\"mutation { createDeployKey }\"}")] // duplicate: first-wins and last-wins readers disagree
    [InlineData("{\"query\":\"{ a }\",\"document\":\"mutation { createDeployKey }\"}")] // unknown property
    [InlineData("{\"operationName\":\"A\"}")] // no query (a stored document?)
    [InlineData("{\"query\":null}")]
    [InlineData("{\"query\":[\"mutation { createDeployKey }\"]}")]
    [InlineData("query=mutation%7BcreateDeployKey%7D")] // a form body
    [InlineData("{\"query\":\"{ a }\",}")] // trailing comma
    [InlineData("{\"query\":\"{ a }\" /* c */}")]
    [InlineData("[1]")]
    [InlineData("\"mutation { a }\"")]
    [InlineData("{\"query\":\"\\ud800 { a }\"}")] // a lone surrogate
    [InlineData("{\"query\":\"mutation { a\"}")]
    public void MutationFields_RefusesWhatItCannotRead(string body)
    {
        (_, string? error) = GraphQlRequest.MutationFields(Encoding.UTF8.GetBytes(body), null);

        Assert.NotNull(error);
    }

    [Fact]
    public void MutationFields_InvalidUtf8_IsRefused()
    {
        byte[] body = [.. "{\"query\":\"{ a }"u8, 0xC3, 0x28, .. "\"}"u8];

        (_, string? error) = GraphQlRequest.MutationFields(body, null);

        Assert.NotNull(error);
    }
}
