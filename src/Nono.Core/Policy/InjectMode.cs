using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>Where the proxy puts an injected credential.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InjectMode>))]
public enum InjectMode
{
    /// <summary>In a request header.</summary>
    [JsonStringEnumMemberName("header")]
    Header,

    /// <summary>In the URL path.</summary>
    [JsonStringEnumMemberName("url_path")]
    UrlPath,

    /// <summary>In a query parameter.</summary>
    [JsonStringEnumMemberName("query_param")]
    QueryParam,

    /// <summary>As HTTP basic authentication.</summary>
    [JsonStringEnumMemberName("basic_auth")]
    BasicAuth,
}
