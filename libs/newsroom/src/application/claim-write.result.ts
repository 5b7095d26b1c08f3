/** What every claim write answers: the claim, its deal and the deal's new version. */
export interface ClaimWriteResult {
  claimId: string;
  dealId: string;
  version: number;
}
