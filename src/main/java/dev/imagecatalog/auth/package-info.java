/**
 * Who is asking and what the cluster lets them do: identities, the permissions the catalog checks with a
 * SubjectAccessReview, signed session cookies and the CSRF tokens bound to them. No Helidon or Kubernetes types:
 * the reviews are asked through {@link dev.imagecatalog.auth.AccessReviews}, which the cluster adapter implements.
 */
package dev.imagecatalog.auth;
