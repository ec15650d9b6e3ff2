namespace LoyaltyConsole.Domain.Scoring;

/// <summary>A maximum-likelihood fit: LogLikelihood is the total over the Customers used; Iterations sums every simplex run.</summary>
public sealed record ModelFitResult<TParameters>(TParameters Parameters, double LogLikelihood, int Customers, int Iterations, bool Converged);
