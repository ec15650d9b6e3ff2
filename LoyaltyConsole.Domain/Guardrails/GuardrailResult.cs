namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>The verdict of one guardrail on one proposal: a stable code for filtering and a sentence reviewers read.</summary>
public sealed record GuardrailResult(string Code, bool Passed, string Reason)
{
    public static GuardrailResult Pass(string code, string reason) => new(code, true, reason);

    public static GuardrailResult Block(string code, string reason) => new(code, false, reason);
}
