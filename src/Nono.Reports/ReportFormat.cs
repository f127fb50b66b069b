namespace Nono.Reports;

/// <summary>Output formats the report renderers produce.</summary>
public enum ReportFormat
{
    /// <summary>GitHub-flavoured Markdown (job summary, PR comment).</summary>
    Markdown,

    /// <summary>JSON for machines.</summary>
    Json,

    /// <summary>SARIF 2.1.0.</summary>
    Sarif,

    /// <summary>Plain text for a terminal.</summary>
    Terminal,
}
