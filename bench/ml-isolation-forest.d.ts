// Types for the parts of ml-isolation-forest 0.1.0 the benchmark uses (the package ships none).
declare module 'ml-isolation-forest' {
  export interface TreeNode {
    pathLengthFromRoot(row: number[], depth: number): number;
  }
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    forest: TreeNode[];
    train(trainingSet: number[][]): void;
    predict(data: number[][]): number[];
  }
}
