/**
 * The cluster domain ({@link dev.imagecatalog.cluster.Node}, {@link dev.imagecatalog.cluster.Run},
 * {@link dev.imagecatalog.cluster.PodPlan}…, free of client-java types) and its one adapter,
 * {@link dev.imagecatalog.cluster.KubernetesCluster}.
 */
package dev.imagecatalog.cluster;
