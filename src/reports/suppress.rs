//! Small-number suppression for published counts.
//!
//! Primary rule: a count under [`THRESHOLD`] (including zero) is shown as
//! "fewer than 5". Secondary rule: where cells add up to a total that is
//! also shown, a line (a row or a column with its total) with exactly one
//! hidden cell would give that cell away by subtraction, so the smallest
//! other part of that line is withheld too. Lines are revisited until none
//! has exactly one hidden cell, because withholding a cell in a column can
//! leave its row with a single hidden cell. A total is withheld only when a
//! line has no other part left to withhold.

use std::fmt;

/// Counts below this are never shown.
pub const THRESHOLD: i64 = 5;

/// One published count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Shown(i64),
    /// Under the threshold.
    Small,
    /// At or above the threshold, withheld so that a small count next to it
    /// cannot be worked out from a total.
    Withheld,
}

impl Cell {
    /// The primary rule alone, for a count that is no part of a sum shown
    /// elsewhere.
    pub fn of(count: i64) -> Self {
        if count < THRESHOLD {
            Self::Small
        } else {
            Self::Shown(count)
        }
    }

    pub fn shown(self) -> Option<i64> {
        match self {
            Self::Shown(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_hidden(self) -> bool {
        !matches!(self, Self::Shown(_))
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shown(n) => write!(f, "{n}"),
            Self::Small => f.write_str("fewer than 5"),
            Self::Withheld => f.write_str("withheld"),
        }
    }
}

/// Which lines of a grid add up: the last row holds each column's total,
/// the last column each row's total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Additive {
    /// Only columns add up (the rows are different measures).
    Columns,
    /// Rows and columns both add up.
    Both,
}

/// Applies the primary and secondary rules to a grid whose last row is the
/// column totals (and, with [`Additive::Both`], whose last column is the row
/// totals). Returns the grid of cells in the same shape.
pub fn protect(grid: &[Vec<i64>], additive: Additive) -> Vec<Vec<Cell>> {
    let mut cells: Vec<Vec<Cell>> = grid
        .iter()
        .map(|row| row.iter().map(|&n| Cell::of(n)).collect())
        .collect();
    let rows = grid.len();
    let cols = grid.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 {
        return cells;
    }
    // Each line: its cells' positions, the total last.
    let mut lines: Vec<Vec<(usize, usize)>> = (0..cols)
        .map(|c| (0..rows).map(|r| (r, c)).collect())
        .collect();
    if additive == Additive::Both {
        lines.extend((0..rows).map(|r| (0..cols).map(|c| (r, c)).collect()));
    }
    loop {
        let mut changed = false;
        for line in &lines {
            let hidden = line
                .iter()
                .filter(|&&(r, c)| cells[r][c].is_hidden())
                .count();
            if hidden != 1 {
                continue;
            }
            let (parts, total) = line.split_at(line.len() - 1);
            let smallest = parts
                .iter()
                .filter(|&&(r, c)| !cells[r][c].is_hidden())
                .min_by_key(|&&(r, c)| grid[r][c])
                .or_else(|| total.first().filter(|&&(r, c)| !cells[r][c].is_hidden()));
            if let Some(&(r, c)) = smallest {
                cells[r][c] = Cell::Withheld;
                changed = true;
            }
        }
        if !changed {
            return cells;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden_in(cells: &[Vec<Cell>], line: &[(usize, usize)]) -> usize {
        line.iter()
            .filter(|&&(r, c)| cells[r][c].is_hidden())
            .count()
    }

    #[test]
    fn counts_under_five_are_small() {
        assert_eq!(Cell::of(0), Cell::Small);
        assert_eq!(Cell::of(4), Cell::Small);
        assert_eq!(Cell::of(5), Cell::Shown(5));
        assert_eq!(Cell::Small.to_string(), "fewer than 5");
    }

    #[test]
    fn a_single_small_part_takes_the_next_smallest_with_it() {
        // Parts 3, 12, 7 and their total 22.
        let grid = vec![vec![3], vec![12], vec![7], vec![22]];
        let cells = protect(&grid, Additive::Columns);
        assert_eq!(cells[0][0], Cell::Small);
        assert_eq!(cells[2][0], Cell::Withheld, "7 is the next smallest");
        assert_eq!(cells[1][0], Cell::Shown(12));
        assert_eq!(cells[3][0], Cell::Shown(22), "totals are kept");
    }

    #[test]
    fn two_small_parts_need_nothing_more() {
        let grid = vec![vec![3], vec![2], vec![9], vec![14]];
        let cells = protect(&grid, Additive::Columns);
        assert_eq!(
            cells.iter().map(|r| r[0]).collect::<Vec<_>>(),
            vec![Cell::Small, Cell::Small, Cell::Shown(9), Cell::Shown(14)]
        );
    }

    #[test]
    fn a_small_total_hides_every_part() {
        let grid = vec![vec![1], vec![3], vec![4]];
        let cells = protect(&grid, Additive::Columns);
        assert!(cells.iter().all(|r| r[0] == Cell::Small));
    }

    #[test]
    fn both_ways_no_line_is_left_with_one_hidden_cell() {
        // Rows: groups then total; columns: in work, not in work, released.
        let grid = vec![
            vec![2, 10, 12],
            vec![8, 9, 17],
            vec![20, 30, 50],
            vec![30, 49, 79],
        ];
        let cells = protect(&grid, Additive::Both);
        assert_eq!(cells[0][0], Cell::Small);
        for c in 0..3 {
            let line: Vec<_> = (0..4).map(|r| (r, c)).collect();
            assert_ne!(hidden_in(&cells, &line), 1, "column {c}: {cells:?}");
        }
        for r in 0..4 {
            let line: Vec<_> = (0..3).map(|c| (r, c)).collect();
            assert_ne!(hidden_in(&cells, &line), 1, "row {r}: {cells:?}");
        }
        assert_eq!(cells[3][2], Cell::Shown(79), "the grand total stays");
    }

    #[test]
    fn a_single_group_is_protected_in_its_row_and_in_the_total_row() {
        // One group, so each part equals its column total: in work 3,
        // not in work 6, released 9.
        let grid = vec![vec![3, 6, 9], vec![3, 6, 9]];
        let cells = protect(&grid, Additive::Both);
        for line in [
            vec![(0, 0), (1, 0)],
            vec![(0, 1), (1, 1)],
            vec![(0, 2), (1, 2)],
            vec![(0, 0), (0, 1), (0, 2)],
            vec![(1, 0), (1, 1), (1, 2)],
        ] {
            assert_ne!(hidden_in(&cells, &line), 1, "{line:?}: {cells:?}");
        }
    }
}
